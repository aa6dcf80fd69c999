"""Same seed, same bytes on every CPU.

numpy picks SIMD kernels (AVX-512, AVX2, baseline) at run time; its transcendental
ufuncs and its default sorts give different last bits / tie orders on each path.
These tests regenerate the committed default dataset in subprocesses with numpy's
AVX-512 and then also its AVX2 kernels switched off (``NPY_DISABLE_CPU_FEATURES``,
read when numpy is imported) and require every file -- CSVs and MANIFEST.json -- to be
byte-identical to ``datasets/``. A fingerprint of unrounded internal floats must agree
too, so a last-bit difference hidden by the CSV rounding is caught as well.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course_utils import config
from course_utils.datagen import TABLES
from course_utils.manifest import MANIFEST_NAME

ROOT = Path(__file__).resolve().parents[1]

# What each setting switches off (names numpy does not know or the CPU lacks are dropped).
NO_AVX512 = ["AVX512_SPR", "AVX512_ICL", "AVX512_SKX", "AVX512_CLX", "AVX512_CNL", "AVX512_KNM",
             "AVX512_KNL", "AVX512CD", "AVX512F", "X86_V4"]
NO_AVX2 = NO_AVX512 + ["X86_V3", "AVX2", "FMA3", "F16C", "AVX"]
SETTINGS = {"all features": [], "no AVX-512": NO_AVX512, "no AVX-512, no AVX2": NO_AVX2}

_CHILD = r"""
import hashlib, json, sys
import numpy as np
try:
    from numpy._core._multiarray_umath import __cpu_features__ as feats
except ImportError:                                   # numpy < 2
    from numpy.core._multiarray_umath import __cpu_features__ as feats
from course_utils.datagen import bank, customers, write_bank
out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
write_bank(out, n, seed, progress=False)
full = customers.make_customers(n, np.random.default_rng(bank._streams(seed)["customers"]))
h = hashlib.sha256()
for col in ("_risk", "_lam", "_bal", "_amt", "clv", "_income"):
    h.update(np.ascontiguousarray(full[col].to_numpy(dtype=np.float64)).tobytes())
print(json.dumps({"enabled": sorted(k for k, v in feats.items() if v), "fingerprint": h.hexdigest()}))
"""


def _dispatchable() -> tuple[set[str], set[str]]:
    """(numpy's dispatch targets, features this CPU has)."""
    try:
        from numpy._core import _multiarray_umath as mu
    except ImportError:                                   # pragma: no cover - numpy < 2
        from numpy.core import _multiarray_umath as mu
    return set(mu.__cpu_dispatch__), {k for k, v in mu.__cpu_features__.items() if v}


def _setting_env(names: list[str]) -> tuple[dict, list[str]]:
    targets, have = _dispatchable()
    off = [n for n in names if n in targets and n in have]
    env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONHASHSEED"] = "0"
    if off:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(off)
    return env, off


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """Default dataset regenerated under each setting (subprocesses run side by side)."""
    base = tmp_path_factory.mktemp("determinism")
    procs = {}
    for label, names in SETTINGS.items():
        env, off = _setting_env(names)
        out = base / label.replace(" ", "_").replace(",", "")
        p = subprocess.Popen([sys.executable, "-c", _CHILD, str(out), str(config.DEFAULT_CUSTOMERS),
                              str(config.DEFAULT_SEED)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        procs[label] = (p, out, off)
    res = {}
    for label, (p, out, off) in procs.items():
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, f"{label}: generation failed\n{stderr}"
        info = json.loads(stdout.strip().splitlines()[-1])
        res[label] = {"out": out, "off": off, **info}
    return res


def test_settings_really_switch_kernels_off(regenerated):
    for label, r in regenerated.items():
        still_on = set(r["off"]) & set(r["enabled"])
        assert not still_on, f"{label}: numpy ignored NPY_DISABLE_CPU_FEATURES for {sorted(still_on)}"
    print({label: r["off"] for label, r in regenerated.items()})


@pytest.mark.parametrize("label", list(SETTINGS))
def test_regenerated_bytes_equal_committed_files(regenerated, label):
    out, committed = regenerated[label]["out"], config.datasets_dir()
    csvs = [f"{t}.csv" for t in TABLES]
    differ = [n for n in csvs + [MANIFEST_NAME] if not (committed / n).is_file() or not (out / n).is_file()
              or (out / n).read_bytes() != (committed / n).read_bytes()]
    assert sorted(p.name for p in out.iterdir()) == sorted(csvs + [MANIFEST_NAME]) and not differ, (
        f"[{label}, NPY_DISABLE_CPU_FEATURES={' '.join(regenerated[label]['off']) or '(unset)'}] "
        f"these files differ from {committed}: {differ}. If the generator changed on purpose, bump "
        "GENERATOR_VERSION, regenerate with `python -m course_utils generate --out datasets --force`, "
        "check datasets/README.md and commit; otherwise something CPU-dependent decides the data.")


def test_unrounded_internals_agree_bit_for_bit(regenerated):
    prints = {label: r["fingerprint"] for label, r in regenerated.items()}
    assert len(set(prints.values())) == 1, prints


# ------------------------------------------------------------------ detmath itself
@pytest.fixture()
def detmath():
    return pytest.importorskip("course_utils.datagen.detmath")


def _ulps(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return np.abs(got - ref) / np.spacing(np.abs(ref))


def test_detmath_matches_the_c_library_within_two_ulp(detmath):
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(-700, 700, 20_000), rng.uniform(-2, 2, 20_000), rng.uniform(-1e-9, 1e-9, 500)])
    assert _ulps(detmath.exp(x), np.array([math.exp(v) for v in x])).max() <= 1
    y = np.concatenate([np.exp(rng.uniform(-700, 700, 20_000)), rng.uniform(0, 3, 20_000), [5e-324, 1e-310]])
    assert _ulps(detmath.log(y), np.array([math.log(v) for v in y])).max() <= 1
    z = np.concatenate([rng.uniform(-0.999, 10, 20_000), rng.uniform(-1e-9, 1e-9, 500)])
    assert _ulps(detmath.log1p(z), np.array([math.log1p(v) for v in z])).max() <= 2
    p = rng.uniform(0, 1, 20_000)
    assert _ulps(detmath.power(p, 0.7), np.array([v ** 0.7 for v in p])).max() <= 8


def test_detmath_special_values_and_blocks(detmath):
    assert detmath.exp(np.array([710.0, -746.0, np.nan])).tolist()[:2] == [math.inf, 0.0]
    assert np.isnan(detmath.exp(np.nan)) and np.isnan(detmath.log(-1.0))
    assert detmath.log(0.0) == -math.inf and detmath.log(math.inf) == math.inf
    big = np.random.default_rng(1).uniform(-5, 5, 3 * detmath.BLOCK + 7)
    blocked = detmath.exp(big)                               # processed block by block
    assert (blocked[-7:] == detmath.exp(big[-7:])).all() and blocked.shape == big.shape
    assert detmath.exp(big.reshape(-1, 1)).shape == (big.shape[0], 1)


def test_detmath_draws_have_the_right_distribution(detmath):
    rng = np.random.default_rng(0)
    g = detmath.gumbel(rng, 200_000)
    assert abs(g.mean() - 0.5772) < 0.01 and abs(g.var() - math.pi ** 2 / 6) < 0.03
    x = detmath.gamma(rng, 1.5, 2.0, 200_000)
    assert abs(x.mean() - 3.0) < 0.03 and abs(x.var() - 6.0) < 0.15
    e = detmath.exponential(rng, 3.0, 200_000)
    assert abs(e.mean() - 3.0) < 0.03 and (e >= 0).all()
    ln = detmath.lognormal(rng, 1.0, 0.5, 200_000)
    assert abs(np.median(ln) - math.e) < 0.03
    with pytest.raises(ValueError):
        detmath.gamma(rng, 1.3)


def test_same_generator_call_same_stream_as_numpy_where_promised(detmath):
    """uniform/normal use the generator's stream exactly like numpy's own methods."""
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    assert np.allclose(detmath.uniform(a, 2.0, 5.0, 50), b.uniform(2.0, 5.0, 50), rtol=0, atol=1e-15)
    assert np.allclose(detmath.normal(a, 1.0, 2.0, 50), b.normal(1.0, 2.0, 50), rtol=0, atol=1e-14)
    assert a.random() == b.random()


def test_generator_uses_no_cpu_dependent_numpy_math():
    """The generator's modules call detmath, not numpy's transcendental ufuncs or unstable sorts."""
    import re
    banned = re.compile(r"np\.(exp|log|log1p|expm1|log2|log10|power|tanh|sin|cos|argpartition|partition)\("
                        r"|\*\* *[0-9.]*\.[0-9]|rng\.(lognormal|gumbel|exponential|gamma|uniform|normal|"
                        r"standard_exponential|standard_gamma|logistic|weibull|beta)\(|[^ ]@[^ =]| @ ")
    folder = ROOT / "course_utils" / "datagen"
    hits = []
    for f in sorted(folder.glob("*.py")):
        if f.name in ("detmath.py", "response_rates.py"):
            continue
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if banned.search(code) or re.search(r"argsort\((?![^)]*stable)", code) \
                    or re.search(r"sort_values\((?![^)]*stable)", code):
                hits.append(f"{f.name}:{i}: {line.strip()}")
    assert not hits, "CPU-dependent numpy calls in the generator:\n" + "\n".join(hits)


def test_manifest_of_committed_data_is_reproducible_text():
    man = (config.datasets_dir() / MANIFEST_NAME).read_text(encoding="utf-8")
    data = json.loads(man)
    assert data["seed"] == config.DEFAULT_SEED and data["n_customers"] == config.DEFAULT_CUSTOMERS
    assert not any(k in man for k in ("time", "date", "host", "user")), "manifest must not hold run details"
    for name, info in data["files"].items():
        raw = (config.datasets_dir() / name).read_bytes()
        assert info == {"bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}, name
