"""长尾客户激活 · Long-tail activation (Lecture 5), an Apache Airflow 3 DAG.

Every Monday: customers whose weekly app minutes fell by >= 50 % week over week get
an activation SMS built from a template (slots, masked name, opt-out "回复TD退订"),
subject to consent, opt-out and a 30-day contact cap. "Sending" writes an outbox
file -- this DAG never opens a network connection.

    find_triggered -> build_messages -> send_to_outbox -> log_run

Every task calls plain, unit-tested functions of ``course_utils.journeys`` (the
Lecture 5 notebook runs the same functions in-process: ``journeys.activation_job``).

Settings (first found wins): the run's params (``dag.test(run_conf=...)`` or "Trigger
DAG w/ config"), Airflow Variables ``course_data_dir`` / ``course_outbox_dir``,
environment variables ``COURSE_DATA_DIR`` / ``COURSE_OUTBOX_DIR``, then safe defaults:
the committed ``datasets/`` folder and ``build/outbox/`` in the repository (git-ignored).

Param ``week``: ``"latest"`` (default) = the last complete week in the data. The
synthetic bank ends on 2024-06-30, so a scheduled run today uses that week; a real
bank would use the week before the run's logical date.

Run it without a scheduler (Airflow installed in ``.venv-airflow`` by
``python -m tools.airflow_env``)::

    AIRFLOW_HOME=/tmp/af AIRFLOW__CORE__LOAD_EXAMPLES=False .venv-airflow/bin/airflow db migrate
    AIRFLOW_HOME=/tmp/af .venv-airflow/bin/python dags/long_tail_activation.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pendulum
from airflow.sdk import Param, dag, task

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:          # course_utils lives in the repository next to dags/
    sys.path.insert(0, str(REPO))

DAG_ID = "long_tail_activation"
DEFAULT_OUTBOX = REPO / "build" / "outbox"


def _variable(key: str) -> str | None:
    """An Airflow Variable, or None when unset (or outside a running task)."""
    try:
        from airflow.sdk import Variable

        value = Variable.get(key, default=None)
    except Exception:  # no Variable backend reachable (e.g. outside a task): env / default
        return None
    return value or None


def settings(params: dict | None) -> dict:
    """Resolved run settings (JSON-serialisable), see the module docstring for the order."""
    p = dict(params or {})
    data_dir = (p.get("data_dir") or _variable("course_data_dir") or os.environ.get("COURSE_DATA_DIR")
                or str(REPO / "datasets"))
    outbox_dir = (p.get("outbox_dir") or _variable("course_outbox_dir") or os.environ.get("COURSE_OUTBOX_DIR")
                  or str(DEFAULT_OUTBOX))
    return {"data_dir": str(data_dir), "outbox_dir": str(outbox_dir), "week": str(p.get("week") or "latest"),
            "drop": float(p.get("drop", 0.5)), "max_per_30_days": int(p.get("max_per_30_days", 2))}


@dag(
    dag_id=DAG_ID,
    description="长尾客户激活：APP使用时长周环比下降≥50% → 短信（模板+退订+频控）→ 发件箱文件",
    schedule="0 9 * * 1",
    start_date=pendulum.datetime(2024, 1, 8, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    tags=["course", "lecture5", "activation"],
    doc_md=__doc__,
    params={
        "week": Param("latest", type="string", description="week_start (Monday, YYYY-MM-DD) or 'latest'"),
        "data_dir": Param("", type="string", description="bank data folder (empty: Variable/env/default)"),
        "outbox_dir": Param("", type="string", description="outbox folder (empty: Variable/env/default)"),
        "drop": Param(0.5, type="number", minimum=0.01, maximum=1.0, description="relative fall that triggers"),
        "max_per_30_days": Param(2, type="integer", minimum=0, description="contact cap per customer"),
    },
)
def long_tail_activation():
    @task
    def find_triggered(params=None) -> dict:
        import pandas as pd

        from course_utils import journeys

        cfg = settings(params)
        tables = journeys.activation_tables(cfg["data_dir"])
        week = journeys.latest_week(tables["app_usage"]) if cfg["week"] == "latest" else cfg["week"]
        cand = journeys.find_activation_candidates(tables, week, drop=cfg["drop"])
        week = f"{pd.Timestamp(week):%Y-%m-%d}"
        print(f"[find_triggered] week {week}: {len(cand)} customers on the books with app time down "
              f">= {cfg['drop']:.0%}")
        return {"cfg": cfg, "week": week, "candidates": journeys.records(cand)}

    @task
    def build_messages(found: dict) -> dict:
        from course_utils import journeys

        cfg, week = found["cfg"], found["week"]
        target = journeys.outbox_file(cfg["outbox_dir"], week)
        history = journeys.outbox_history(target)
        policy = journeys.ContactPolicy(max_per_30_days=cfg["max_per_30_days"])
        messages, decisions = journeys.build_activation_messages(found["candidates"], week, history, policy)
        print(f"[build_messages] {len(messages)} messages, {int((~decisions['allowed']).sum())} blocked")
        keep = ["customer_id", "allowed", "reason", "contacts_in_window"]
        return {"cfg": cfg, "week": week, "target": str(target),
                "history_contacts": 0 if history is None else len(history),
                "messages": journeys.records(messages), "decisions": journeys.records(decisions[keep])}

    @task
    def send_to_outbox(built: dict) -> dict:
        from course_utils import journeys

        path = journeys.write_outbox(built["messages"], built["target"])
        log = journeys.activation_log(built["week"], built["decisions"], built["messages"], path,
                                      built["history_contacts"])
        print(f"[send_to_outbox] wrote {log['messages']} messages to {path} (no network)")
        return log

    @task
    def log_run(log: dict) -> dict:
        import json
        import tempfile

        folder = Path(log["outbox"]).parent / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"activation_{log['week']}.json"
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(log, fh, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, target)
        print(f"[log_run] 触发 {log['triggered']} 人，发送 {log['messages']} 条，拦截 {log['blocked']} "
              f"/ triggered {log['triggered']}, sent {log['messages']}, blocked {log['blocked']}; log {target}")
        return log

    log_run(send_to_outbox(build_messages(find_triggered())))


dag_object = long_tail_activation()


if __name__ == "__main__":
    dag_object.test()
