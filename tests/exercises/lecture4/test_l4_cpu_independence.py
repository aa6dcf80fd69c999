"""Lecture 4's checks give the same figures with numpy's AVX-512 / AVX2 kernels switched off.

The widget figures (metrics, bootstrap interval), the sentiment check's AUC and reference mistakes and
the chatbot target are computed in a child process per setting (as tests/test_determinism.py does for
the generator) on a small bank, and compared exactly.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = {"native": [], "no AVX-512": ["AVX512_ICL", "AVX512_SKX", "X86_V4"],
            "no AVX-512, no AVX2": ["AVX512_ICL", "AVX512_SKX", "X86_V4", "X86_V3"]}

_CHILD = r"""
import json
import numpy as np
from course_utils.data import get_bank
from course_utils.exercises import lecture4 as L4
from course_utils.exercises.lecture4 import q3_sentiment as Q3
from course_utils import sentiment as S
q1, q2, q3, q4 = L4.setup(get_bank(seed=7, n_customers=800), seed=7)
out = {"q1": q1.expected()}
for method in ("popularity", "item_cf", "content", "hybrid"):
    for k in (1, 5, 10):
        cfg = {"method": method, "neighbours": 10, "alpha": 0.6, "k": k, "suitable_only": k != 5}
        out[f"q2 {method} {k}"] = q2.lab.evaluate(cfg)
model, valid, p = q3.reference()
held = q3.context["held"]
out["q3 auc"] = Q3.auc(S.negative_labels(held["sentiment"]), model.predict_proba(held["text"])[:, 1])
out["q3 baseline"] = q3.context["baseline_auc"]
out["q3 mistakes"] = q3.expected()["mistakes"]
out["q4"] = [q4.targets, q4.expected(), q4.table.round(12).to_dict("list")]
print(json.dumps(out, ensure_ascii=False, sort_keys=True, default=float))
"""


def _switchable(names):
    """The names numpy can dispatch on and this CPU has (numpy refuses to disable others)."""
    try:
        from numpy._core import _multiarray_umath as mu
    except ImportError:                                   # pragma: no cover - numpy < 2
        from numpy.core import _multiarray_umath as mu
    have = {k for k, v in mu.__cpu_features__.items() if v}
    return [n for n in names if n in set(mu.__cpu_dispatch__) and n in have]


def _env(names):
    names = _switchable(names)
    env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONHASHSEED"] = "0"
    env["COURSE_PROGRESS_FILE"] = "off"
    env["MPLBACKEND"] = "Agg"
    if names:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(names)
    return env


def test_figures_do_not_depend_on_the_cpu():
    results = {}
    for label, names in SETTINGS.items():   # one after the other: 2 cores are shared
        p = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, env=_env(names), capture_output=True,
                           text=True, timeout=600)
        assert p.returncode == 0, f"{label}:\n{p.stderr[-2000:]}"
        results[label] = json.loads(p.stdout.strip().splitlines()[-1])
    native = results.pop("native")
    for label, res in results.items():
        diff = [k for k in native if native[k] != res.get(k)]
        assert not diff, f"{label}: {diff}"
